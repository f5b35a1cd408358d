// Loaded as a classic script at the start of <body> (the Content-Security-Policy
// forbids inline scripts). GOV.UK Frontend styles its JavaScript-only features
// from these classes.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
