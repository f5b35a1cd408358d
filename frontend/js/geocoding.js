// Geocoding on the report form, as an enhancement: "Find address" looks the
// address up without leaving the page, and a chosen point says at once what is
// near it (the nearest address or street) and what is odd about it (on water,
// inside a building). Without this script the same happens on the server when
// the form is sent. Text from the server is set with textContent only.
;(function () {
  'use strict'

  var region = document.getElementById('geocode-live')
  if (!region || !window.fetch) return
  var form = document.getElementById(region.dataset.form)
  if (!form) return
  var lat = form.elements.lat
  var lon = form.elements.lon
  var address = form.elements.address
  var findButton = form.querySelector('button[name="action"][value="find"]')
  var controller = null

  function say (lines) {
    region.textContent = ''
    lines.forEach(function (line) {
      var p = document.createElement('p')
      p.className = 'govuk-body govuk-!-margin-bottom-1'
      p.textContent = line
      region.appendChild(p)
    })
  }

  function getJson (url) {
    if (controller) controller.abort()
    controller = new AbortController()
    return fetch(url, { signal: controller.signal, headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null })
  }

  function describePoint () {
    var la = parseFloat(lat.value)
    var lo = parseFloat(lon.value)
    if (!isFinite(la) || !isFinite(lo)) return
    var params = new URLSearchParams({ lat: la.toFixed(6), lon: lo.toFixed(6) })
    getJson(region.dataset.reverseUrl + '?' + params.toString())
      .then(function (data) {
        if (!data) return
        var lines = []
        if (data.result) lines.push(region.dataset.nearestLabel + ' ' + data.result.label)
        ;(data.warnings || []).forEach(function (w) { lines.push(w) })
        say(lines)
      })
      .catch(function () {})
  }

  if (findButton && address) {
    findButton.addEventListener('click', function (event) {
      var text = address.value.trim()
      if (text.length < 2) return // the server says what is missing
      event.preventDefault()
      var params = new URLSearchParams({ q: text, limit: '1' })
      getJson(region.dataset.searchUrl + '?' + params.toString())
        .then(function (data) {
          if (!data) throw new Error('no answer')
          var found = data.results && data.results[0]
          if (!found) {
            say([region.dataset.notFound])
            return
          }
          lat.value = Number(found.lat).toFixed(6)
          lon.value = Number(found.lon).toFixed(6)
          // The map picker follows the inputs' change events.
          lat.dispatchEvent(new Event('change', { bubbles: true }))
          lon.dispatchEvent(new Event('change', { bubbles: true }))
          say([region.dataset.foundLabel + ' ' + [found.label, found.context].filter(Boolean).join(', ')])
        })
        .catch(function (error) {
          if (error && error.name === 'AbortError') return
          form.requestSubmit(findButton) // let the server try
        })
    })
  }

  var timer = null
  function later () {
    clearTimeout(timer)
    timer = setTimeout(describePoint, 300)
  }
  form.addEventListener('wegov:place', later)
  lat.addEventListener('change', later)
  lon.addEventListener('change', later)
})()
