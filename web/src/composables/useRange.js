// The dashboard's range, read from and written to the URL's query (see
// lib/range.js), so a link shows the same view and Back returns to the
// range before.
import { computed, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { parseRange, rangeLabel, rangeQuery, sameRange } from '@/lib/range.js'

export function useRange() {
  const route = useRoute()
  const router = useRouter()

  // The same object while the query holds the same range, so nothing that
  // watches it runs for other changes of the query.
  let last = null
  const range = computed(() => {
    const next = parseRange(route.query)
    if (last && sameRange(last, next) && last.invalid === next.invalid) return last
    last = next
    return next
  })

  // A link whose range could not be read shows the default, says so once,
  // and is corrected in the address bar.
  const notice = ref('')
  watch(
    range,
    (r) => {
      if (!r.invalid) return
      notice.value = `The link's range could not be read: showing ${rangeLabel(r)}.`
      router.replace({ query: rangeQuery(r, route.query) })
    },
    { immediate: true },
  )

  function go(next) {
    notice.value = ''
    if (sameRange(next, range.value)) return
    router.push({ query: rangeQuery(next, route.query) })
  }

  return {
    range,
    label: computed(() => rangeLabel(range.value)),
    notice,
    /** A window that ends now: '1h', '24h', '7d' or '30d'. */
    choosePreset: (key) => go({ kind: 'live', preset: key }),
    /** A fixed span {from, to} (ms), dragged on the sales chart. */
    chooseSpan: ({ from, to }) => go({ kind: 'fixed', from, to, preset: range.value.preset }),
    /** From a fixed span back to the window it was chosen in. */
    backToLive: () => go({ kind: 'live', preset: range.value.preset }),
  }
}
