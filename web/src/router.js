import { createRouter, createWebHistory } from 'vue-router'
import LoginPage from './pages/LoginPage.vue'
import RegisterPage from './pages/RegisterPage.vue'
import DashboardPage from './pages/DashboardPage.vue'
import AccountPage from './pages/AccountPage.vue'
import { useSession } from './composables/useSession.js'

const routes = [
  { path: '/', name: 'dashboard', component: DashboardPage, meta: { requiresAuth: true, title: 'Dashboard' } },
  { path: '/login', name: 'login', component: LoginPage, meta: { title: 'Sign in' } },
  { path: '/register', name: 'register', component: RegisterPage, meta: { title: 'Create an account' } },
  { path: '/account', name: 'account', component: AccountPage, meta: { requiresAuth: true, title: 'Your account' } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

router.beforeEach(async (to) => {
  if (!to.meta.requiresAuth) return true
  const session = useSession()
  if (session.state.user) return true
  try {
    const user = await session.refresh()
    return user ? true : { name: 'login' }
  } catch {
    // Server unreachable: show the dashboard, which reports what fails.
    return true
  }
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Beats By Redis` : 'Beats By Redis'
})
