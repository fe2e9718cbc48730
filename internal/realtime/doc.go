// Package realtime pushes the dashboard's live data over a WebSocket.
//
// Every app instance tails the Redis stream purchases:live on its own with
// XREAD BLOCK (not a consumer group: every instance must see every purchase,
// because each one serves its own browsers). What one XREAD returns becomes
// one {"purchases":[...]} message, handed to a Hub that fans it out to the
// instance's connected clients. Once a minute a snapshot of the charts
// ({"topSellers":..., "purchaseHistory":...}) is built once and broadcast the
// same way; a client that connects gets the latest snapshot at once, or,
// when purchases were relayed since it was built, one built then and shared
// with the clients that connect meanwhile: never older than the charts its
// page may have just read over REST.
//
// Each message is framed once for all clients (a prepared message) and
// written to every socket by that client's own write loop. With thousands of
// sockets a message takes a while to be written everywhere; the tailer then
// holds its next read until the clients have taken it and at least 25 ms
// have passed (at most 100 ms), so what arrives meanwhile goes out as one
// message instead of queueing behind the last.
//
// A client that cannot keep up is never waited for: its bounded queue
// overflows, it is dropped and its socket is closed with 1013 "slow
// consumer". The browser reconnects and resyncs from the REST endpoints.
package realtime
