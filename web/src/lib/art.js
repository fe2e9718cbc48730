// Cover art lives on Bandcamp's image host. Loading it needs the network (and
// a CSP that allows that host), and every failed load is logged by the
// browser. So the dashboard only tries when the feed is live, lets one image
// load first as a probe, shows the rest once that worked, and gives up for the
// session after a few failed probes. Same-origin art is always loaded.
import { reactive } from 'vue'
import { isSameOriginPath, toHttps } from './format.js'

const GIVE_UP_AFTER = 3

export const artState = reactive({
  remoteAllowed: false,
  verified: false, // a remote image has loaded: load them all
  probe: null, // the owner whose image is being tried
  failures: 0, // failed probes in a row
})

export function setRemoteArtAllowed(allowed) {
  artState.remoteAllowed = Boolean(allowed)
}

function remoteUsable() {
  return artState.remoteAllowed && artState.failures < GIVE_UP_AFTER
}

/** The URL to load for `owner`'s art, or '' to show the placeholder. */
export function artSrc(url, owner) {
  if (isSameOriginPath(url)) return url
  const u = toHttps(url)
  if (!u || !remoteUsable()) return ''
  return artState.verified || artState.probe === owner ? u : ''
}

/** Asks to be the probe; a no-op once art is known to load. */
export function claimProbe(owner, url) {
  if (artState.verified || artState.probe !== null || !remoteUsable()) return
  if (isSameOriginPath(url) || !toHttps(url)) return
  artState.probe = owner
}

export function reportArtLoaded(owner) {
  artState.verified = true
  artState.failures = 0
  if (artState.probe === owner) artState.probe = null
}

export function reportArtFailed(owner) {
  if (artState.probe === owner) {
    artState.probe = null
    artState.failures += 1
  }
}

export function releaseProbe(owner) {
  if (artState.probe === owner) artState.probe = null
}
