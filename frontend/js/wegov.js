// WeGov's page script (an ES module): start GOV.UK Frontend's components.
import { initAll } from './govuk-frontend.min.js'

initAll()
