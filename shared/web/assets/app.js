// Progressive enhancement: the form works without this file. It starts
// govuk-frontend's components and warns before idle answers are deleted
// (WCAG 2.2.1, timing adjustable): 5 minutes before, a dialog offers to
// keep them, which resets the server's idle clock.
import { initAll } from './govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

const idle = Number(document.body.dataset.idleSeconds || 0)
const base = document.body.dataset.base || ''
const dialog = document.getElementById('app-timeout')
const keep = document.getElementById('app-timeout-keep')
const token = document.querySelector('meta[name="csrf-token"]')
if (idle > 0 && dialog && keep && token) {
  const warnAfter = Math.max(idle - 300, 30) * 1000
  let timer
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => { dialog.showModal(); keep.focus() }, warnAfter)
  }
  keep.addEventListener('click', async () => {
    const body = new URLSearchParams({ csrf: token.content })
    const resp = await fetch(base + '/referral/keepalive', { method: 'POST', body, credentials: 'same-origin' })
    dialog.close()
    if (resp.ok) { arm() } else { window.location.href = base + '/referral/timed-out' }
  })
  arm()
}
