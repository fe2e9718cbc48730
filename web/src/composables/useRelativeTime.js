// One shared clock that ticks every second while any component uses it, so
// "3 s ago" labels keep moving without one timer per row.
import { ref, computed, onBeforeUnmount, onMounted, toValue } from 'vue'
import { relativeTime } from '@/lib/format.js'

const now = ref(Date.now())
let users = 0
let timer = null

function start() {
  if (users++ === 0) {
    now.value = Date.now()
    timer = setInterval(() => {
      now.value = Date.now()
    }, 1000)
  }
}

function stop() {
  if (--users === 0) {
    clearInterval(timer)
    timer = null
  }
}

/** The ticking clock (ms). */
export function useNow() {
  onMounted(start)
  onBeforeUnmount(stop)
  return now
}

/** A computed "N s ago" label for a time in ms (a value, ref or getter). */
export function useRelativeTime(thenMs) {
  const clock = useNow()
  return computed(() => relativeTime(toValue(thenMs), clock.value))
}
