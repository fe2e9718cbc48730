package purchases

// ChartPoint is one sample of the sales chart under both pairs of names: x
// and y, as this app's charts and REST endpoints read them, and timestamp
// and value, as TS.RANGE answers them through node-redis, which is what the
// original app's browser client reads from its history endpoint and from
// the WebSocket's purchaseHistory (docs/contract.md). One message carries
// both, so that both clients read it unchanged, with no client told apart
// and no second message. The cost: a day of minutes in the WebSocket's
// snapshot grows from 39 to 92 KB (7 to 16 KB deflated), once a minute.
type ChartPoint struct {
	X         int64   `json:"x"`
	Y         float64 `json:"y"`
	Timestamp int64   `json:"timestamp"`
	Value     float64 `json:"value"`
}

// ChartPoints gives points both pairs of names.
func ChartPoints(points []Point) []ChartPoint {
	out := make([]ChartPoint, len(points))
	for i, p := range points {
		out[i] = ChartPoint{X: p.X, Y: p.Y, Timestamp: p.X, Value: p.Y}
	}
	return out
}
