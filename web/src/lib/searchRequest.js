// How another part of the page asks the search box to search: the map calls
// searchForCountry when a country is clicked, and SearchBox watches
// searchRequest. Each request is a new object, so asking twice for the same
// country searches twice.
import { readonly, shallowRef } from 'vue'

const request = shallowRef(null)

/** The latest request: {country: 'jp', name: 'Japan'}, or null. */
export const searchRequest = readonly(request)

/** Ask the search box for the purchases from one country. */
export function searchForCountry(code, name) {
  if (typeof code !== 'string' || !code) return
  request.value = { country: code.toLowerCase(), name: String(name || code.toUpperCase()) }
}
