// Conversations: after htmx swaps in the next statement's card (a vote was
// recorded), move the keyboard and screen-reader focus to the new statement,
// so the next vote is one Tab away. A classic script loaded (deferred) by
// opinions/detail.html; without it the vote buttons post a plain form.
;(function () {
  'use strict'

  function isCardRequest (event) {
    var elt = event.detail && event.detail.elt
    return !!(elt && elt.matches && elt.matches('form.wegov-vote-form'))
  }

  // A refused or invalid vote answers 4xx with the card and its reason: show it.
  document.addEventListener('htmx:beforeSwap', function (event) {
    var status = event.detail.xhr && event.detail.xhr.status
    if (isCardRequest(event) && status >= 400 && status < 500) {
      event.detail.shouldSwap = true
      event.detail.isError = false
    }
  })

  // Fired on the new card once it is in place.
  document.addEventListener('htmx:afterSettle', function (event) {
    var card = event.detail && event.detail.elt
    if (!card || card.id !== 'statement-card') return
    var target = card.querySelector('[data-opinions-focus]')
    if (target) target.focus()
  })
})()
