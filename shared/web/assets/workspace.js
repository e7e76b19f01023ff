// Progressive enhancement for the workspace: MoJ Frontend's components
// (the case list's sortable table). Every page works without it. app.js,
// loaded first, marks the page as supported and starts govuk-frontend.
import { initAll } from './moj/moj-frontend.min.js'

initAll()
