// The ballot page's running total, live. A classic script loaded (deferred) by
// budgeting/ballot.html. Without it the page works the same: "Check my
// choices" asks the server for the same sentence.
//
// The sentences come from the form's data attributes (translated by the
// server), with {placeholders} filled in here; only textContent is written.
;(function () {
  'use strict'

  var form = document.getElementById('ballot-form')
  if (!form) return
  var totalText = document.getElementById('ballot-total-text')
  var live = document.getElementById('ballot-live')
  var progress = document.getElementById('ballot-progress')
  var data = form.dataset
  var kind = data.ballotType
  var amount = parseInt(data.amount, 10) || 0
  var pointsTotal = parseInt(data.pointsTotal, 10) || 0
  var currency = data.currency || ''
  var separator = data.thousands || ','
  var announceTimer = null

  function group (n) {
    var digits = String(Math.abs(n))
    var out = ''
    while (digits.length > 3) {
      out = separator + digits.slice(-3) + out
      digits = digits.slice(0, -3)
    }
    return (n < 0 ? '-' : '') + digits + out
  }

  function money (n) {
    return group(n) + ' ' + currency
  }

  function fill (template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match
    })
  }

  function tally () {
    var count = 0
    var cost = 0
    var points = 0
    if (kind === 'approval' || kind === 'knapsack') {
      form.querySelectorAll('input[name="projects"]:checked').forEach(function (box) {
        count += 1
        cost += parseInt(box.dataset.cost, 10) || 0
      })
    } else if (kind === 'cumulative') {
      form.querySelectorAll('input[data-points]').forEach(function (input) {
        var value = parseInt(input.value, 10)
        if (value > 0) {
          count += 1
          points += value
        }
      })
    } else {
      form.querySelectorAll('select[data-rank]').forEach(function (select) {
        if (select.value !== '') count += 1
      })
    }
    return { count: count, cost: cost, points: points }
  }

  function sentence (t) {
    if (kind === 'knapsack') {
      var over = t.cost > amount
      return fill(over ? data.textOver : data.textOk, {
        cost: money(t.cost),
        amount: money(amount),
        left: money(Math.max(amount - t.cost, 0)),
        over: money(Math.max(t.cost - amount, 0))
      })
    }
    if (kind === 'cumulative') {
      var tooMany = t.points > pointsTotal
      return fill(tooMany ? data.textOver : data.textOk, {
        points: String(t.points),
        total: String(pointsTotal),
        left: String(Math.max(pointsTotal - t.points, 0)),
        over: String(Math.max(t.points - pointsTotal, 0))
      })
    }
    return fill(data.textOk, { count: String(t.count) })
  }

  function update () {
    var t = tally()
    var text = sentence(t)
    totalText.textContent = text
    if (progress) {
      progress.value = Math.min(t.cost, amount)
      progress.textContent = text
    }
    // Announce once the person pauses, not on every keystroke.
    window.clearTimeout(announceTimer)
    announceTimer = window.setTimeout(function () {
      live.textContent = text
    }, 500)
  }

  form.addEventListener('change', update)
  form.addEventListener('input', update)
})()
