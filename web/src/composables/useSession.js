// Who is signed in. Filled by login/register and by GET /account/me.
import { reactive } from 'vue'
import { api, ApiError } from './useApi.js'

const state = reactive({ user: null })

export function useSession() {
  return {
    state,
    setUser(user) {
      state.user = user && typeof user === 'object' ? user : null
    },
    clear() {
      state.user = null
    },
    /** Loads the current user; resolves to the user or null on 401. */
    async refresh() {
      try {
        const data = await api.me()
        state.user = data?.user ?? null
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) state.user = null
        else throw err
      }
      return state.user
    },
  }
}
