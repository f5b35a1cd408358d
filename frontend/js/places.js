// Areas of interest: a click on the map sets the circle's centre (filling the
// latitude and longitude inputs) and shows the circle with the radius typed.
// A classic script loaded (deferred) after leaflet.js; the form works without it.
;(function () {
  'use strict'

  var L = window.L
  if (!L) return

  function numbers (text, count) {
    if (!text) return null
    var parts = text.split(',').map(Number)
    if (parts.length !== count || parts.some(function (n) { return !isFinite(n) })) return null
    return parts
  }

  function circleMap (el) {
    var latInput = document.getElementById(el.dataset.latInput)
    var lonInput = document.getElementById(el.dataset.lonInput)
    var radiusInput = document.getElementById(el.dataset.radiusInput)
    if (!latInput || !lonInput || !radiusInput) return
    var map = L.map(el, { scrollWheelZoom: false })
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map)
    var b = numbers(el.dataset.bounds, 4)
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]])
    else map.setView([0, 0], 2)

    // The districts, outlined, for orientation.
    if (el.dataset.areasUrl) {
      fetch(el.dataset.areasUrl, { headers: { Accept: 'application/geo+json' } })
        .then(function (response) { return response.ok ? response.json() : null })
        .then(function (data) {
          if (!data) return
          L.geoJSON(data, {
            interactive: false,
            style: function (feature) {
              var city = feature.properties && feature.properties.kind === 'city'
              return { weight: city ? 3 : 1, fill: false, dashArray: city ? null : '4 4' }
            }
          }).addTo(map)
        })
        .catch(function () {})
    }

    var circle = null

    function radius () {
      var value = parseInt(radiusInput.value, 10)
      return isFinite(value) && value > 0 ? value : 500
    }

    function draw (pan) {
      var lat = parseFloat(latInput.value)
      var lon = parseFloat(lonInput.value)
      if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        if (circle) { map.removeLayer(circle); circle = null }
        return
      }
      if (circle) {
        circle.setLatLng([lat, lon]).setRadius(radius())
      } else {
        circle = L.circle([lat, lon], { radius: radius(), interactive: false }).addTo(map)
      }
      if (pan) map.fitBounds(circle.getBounds(), { maxZoom: 17 })
    }

    function chooseCircle () {
      var radio = document.querySelector('input[name="kind"][value="circle"]')
      if (radio) radio.checked = true
    }

    draw(true)
    map.on('click', function (event) {
      latInput.value = event.latlng.lat.toFixed(6)
      lonInput.value = event.latlng.lng.toFixed(6)
      chooseCircle()
      draw(false)
    })
    latInput.addEventListener('change', function () { draw(true) })
    lonInput.addEventListener('change', function () { draw(true) })
    radiusInput.addEventListener('input', function () { draw(false) })
  }

  document.querySelectorAll('[data-map="circle"]').forEach(circleMap)
})()
