// The problem-report pages' maps and helpers. A classic script loaded (deferred)
// after leaflet.js. Every page works without it: the maps repeat what the page
// says in text, and coordinates can always be typed.
//
// Never put report text into innerHTML: popups are built from DOM nodes with
// textContent. The only HTML inserted is the server's own escaped partial.
;(function () {
  'use strict'

  var L = window.L

  function numbers (text, count) {
    if (!text) return null
    var parts = text.split(',').map(Number)
    if (parts.length !== count || parts.some(function (n) { return !isFinite(n) })) return null
    return parts
  }

  function baseMap (el, options) {
    var map = L.map(el, Object.assign({ scrollWheelZoom: false }, options || {}))
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map)
    return map
  }

  function showCity (map, el) {
    var b = numbers(el.dataset.bounds, 4)
    if (b) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]])
    } else {
      map.setView([0, 0], 2)
    }
  }

  // Where it is: a click on the map sets the pin and fills in the coordinates.
  function pickerMap (el) {
    var latInput = document.getElementById(el.dataset.latInput)
    var lonInput = document.getElementById(el.dataset.lonInput)
    if (!latInput || !lonInput) return
    var map = baseMap(el)
    showCity(map, el)
    var marker = null

    function place (latlng) {
      if (marker) {
        marker.setLatLng(latlng)
      } else {
        marker = L.marker(latlng, { alt: el.dataset.markerLabel || '', interactive: false, keyboard: false }).addTo(map)
      }
    }

    function fromInputs (pan) {
      var lat = parseFloat(latInput.value)
      var lon = parseFloat(lonInput.value)
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        place([lat, lon])
        if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 16))
      }
    }

    fromInputs(true)
    map.on('click', function (event) {
      latInput.value = event.latlng.lat.toFixed(6)
      lonInput.value = event.latlng.lng.toFixed(6)
      place(event.latlng)
      el.dispatchEvent(new CustomEvent('wegov:place', { bubbles: true }))
    })
    latInput.addEventListener('change', function () { fromInputs(true) })
    lonInput.addEventListener('change', function () { fromInputs(true) })
  }

  // One report's place.
  function pointMap (el) {
    var lat = parseFloat(el.dataset.lat)
    var lon = parseFloat(el.dataset.lon)
    if (!isFinite(lat) || !isFinite(lon)) return
    var map = baseMap(el).setView([lat, lon], 17)
    L.marker([lat, lon], { interactive: false, keyboard: false, alt: '' }).addTo(map)
  }

  function safeUrl (url) {
    // Only links within this site.
    return typeof url === 'string' && url.charAt(0) === '/' && url.charAt(1) !== '/' ? url : '#'
  }

  function popupFor (props, linkLabel) {
    var box = document.createElement('div')
    var title = document.createElement('p')
    title.className = 'govuk-body govuk-!-margin-bottom-1'
    var link = document.createElement('a')
    link.className = 'govuk-link'
    link.href = safeUrl(props.url)
    link.textContent = String(props.title || linkLabel)
    title.appendChild(link)
    var meta = document.createElement('p')
    meta.className = 'govuk-body-s govuk-!-margin-bottom-0'
    meta.textContent = [props.kind_label, props.status_label, props.category_label || props.category].filter(Boolean).join(' · ')
    box.appendChild(title)
    box.appendChild(meta)
    return box
  }

  function clusterIcon (count, label) {
    var node = document.createElement('span')
    node.textContent = String(count)
    var hidden = document.createElement('span')
    hidden.className = 'govuk-visually-hidden'
    hidden.textContent = ' ' + label
    node.appendChild(hidden)
    var size = count < 10 ? 28 : count < 100 ? 34 : 40
    return L.divIcon({ html: node, className: 'wegov-cluster', iconSize: [size, size] })
  }

  function clamp (value, low, high) { return Math.min(high, Math.max(low, value)) }

  // A marker for one item: a pin coloured by kind (the legend names the colours),
  // focusable with the keyboard, its popup built from text nodes.
  function itemMarker (latlng, props, el) {
    var kind = String(props.kind || 'report').replace(/[^a-z0-9_-]/gi, '')
    var label = document.createElement('span')
    label.className = 'govuk-visually-hidden'
    label.textContent = String(props.kind_label || '')
    var icon = L.divIcon({ html: label, className: 'wegov-pin wegov-pin--' + kind, iconSize: [18, 18] })
    var title = String(props.title || '')
    var marker = L.marker(latlng, { icon: icon, title: title, alt: title })
    marker.bindPopup(popupFor(props, el.dataset.linkLabel || ''))
    return marker
  }

  function boxParam (map) {
    var b = map.getBounds()
    return [
      clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)
    ].map(function (n) { return n.toFixed(6) }).join(',')
  }

  function getJson (url, signal) {
    return fetch(url, { signal: signal, headers: { Accept: 'application/geo+json, application/json' } })
      .then(function (response) { return response.ok ? response.json() : null })
  }

  // District boundaries, drawn under the items; not interactive.
  function drawAreas (map, url) {
    getJson(url).then(function (data) {
      if (!data) return
      L.geoJSON(data, {
        interactive: false,
        style: function (feature) {
          var city = feature.properties && feature.properties.kind === 'city'
          return { className: 'wegov-area' + (city ? ' wegov-area--city' : ''), fill: false, weight: city ? 3 : 2 }
        }
      }).addTo(map)
    }).catch(function () {})
  }

  // Open-data layers: each checkbox [data-layer-url] switches its layer on and off.
  function dataLayers (map, el) {
    var form = el.dataset.form ? document.getElementById(el.dataset.form) : null
    if (!form) return
    var shown = {}
    var controllers = {}
    function load (box) {
      var url = box.dataset.layerUrl
      if (!box.checked) {
        if (shown[url]) { map.removeLayer(shown[url]); delete shown[url] }
        return
      }
      if (controllers[url]) controllers[url].abort()
      controllers[url] = new AbortController()
      getJson(url + '?bbox=' + boxParam(map), controllers[url].signal).then(function (data) {
        if (!data || !box.checked) return
        if (shown[url]) map.removeLayer(shown[url])
        shown[url] = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var props = feature.properties || {}
            var name = String(props.name || box.dataset.layerName || '')
            var icon = L.divIcon({ html: '', className: 'wegov-pin wegov-pin--layer', iconSize: [12, 12] })
            var marker = L.marker(latlng, { icon: icon, title: name, alt: name })
            var text = document.createElement('p')
            text.className = 'govuk-body-s govuk-!-margin-bottom-0'
            text.textContent = name + ' · ' + String(box.dataset.layerName || '')
            marker.bindPopup(text)
            return marker
          }
        }).addTo(map)
      }).catch(function () {})
    }
    var boxes = Array.prototype.slice.call(form.querySelectorAll('[data-layer-url]'))
    boxes.forEach(function (box) { box.addEventListener('change', function () { load(box) }) })
    map.on('moveend', function () { boxes.forEach(function (box) { if (box.checked) load(box) }) })
    boxes.forEach(function (box) { if (box.checked) load(box) })
  }

  // A list's map (the reports list, the one map of everything): the page's
  // applied filters, fetched as GeoJSON for the view.
  function itemsMap (el) {
    var url = el.dataset.geojsonUrl
    if (!url) return
    var map = baseMap(el)
    var near = numbers(el.dataset.near, 2)
    if (near) {
      map.setView(near, 15)
      L.circle(near, { radius: 1000, interactive: false, fill: false, weight: 2 }).addTo(map)
    } else {
      showCity(map, el)
    }
    if (el.dataset.areasUrl) drawAreas(map, el.dataset.areasUrl)
    var layer = L.layerGroup().addTo(map)
    var applied = new URLSearchParams(window.location.search)
    var forwarded = (el.dataset.params || 'category,status,district,start,end').split(',')
    var controller = null

    function draw (data) {
      layer.clearLayers()
      ;(data.features || []).forEach(function (feature) {
        var coords = feature.geometry && feature.geometry.coordinates
        var props = feature.properties || {}
        if (!coords || !isFinite(coords[0]) || !isFinite(coords[1])) return
        var latlng = [coords[1], coords[0]]
        if (props.cluster) {
          var cluster = L.marker(latlng, { icon: clusterIcon(props.count, el.dataset.clusterLabel || '') })
          cluster.on('click', function () { map.setView(latlng, Math.min(map.getZoom() + 2, 19)) })
          layer.addLayer(cluster)
        } else if (props.kind) {
          layer.addLayer(itemMarker(latlng, props, el))
        } else {
          var marker = L.marker(latlng, { alt: String(props.title || ''), title: String(props.title || '') })
          marker.bindPopup(popupFor(props, el.dataset.linkLabel || ''))
          layer.addLayer(marker)
        }
      })
      el.dispatchEvent(new CustomEvent('wegov:drawn', { bubbles: true }))
    }

    function load () {
      var params = new URLSearchParams()
      params.set('bbox', boxParam(map))
      params.set('zoom', String(map.getZoom()))
      forwarded.forEach(function (name) {
        applied.getAll(name).forEach(function (value) { if (value) params.append(name, value) })
      })
      if (controller) controller.abort()
      controller = new AbortController()
      getJson(url + '?' + params.toString(), controller.signal)
        .then(function (data) { if (data) draw(data) })
        .catch(function () {})
    }

    map.on('moveend', load)
    load()
    dataLayers(map, el)
  }

  // "Use my location" in the report list's filters.
  function nearMe (button) {
    var form = button.closest('form')
    var error = document.getElementById('near-me-error')
    function fail () {
      if (!error) return
      error.textContent = button.dataset.error || ''
      error.hidden = false
    }
    button.addEventListener('click', function () {
      if (!navigator.geolocation || !form) return fail()
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6)
        form.elements.lon.value = position.coords.longitude.toFixed(6)
        form.submit()
      }, fail, { timeout: 15000, maximumAge: 60000 })
    })
  }

  // Likely duplicates while the report is being written.
  function liveDuplicates (region) {
    var form = document.getElementById(region.dataset.form)
    if (!form) return
    var timer = null
    var last = ''
    function refresh () {
      var f = form.elements
      var lat = f.lat.value.trim()
      var lon = f.lon.value.trim()
      if (!lat || !lon) return
      var params = new URLSearchParams({
        lat: lat,
        lon: lon,
        category: f.category.value,
        text: (f.title.value + ' ' + f.description.value).trim()
      }).toString()
      if (params === last) return
      last = params
      fetch(region.dataset.url + '?' + params, { headers: { 'HX-Request': 'true' } })
        .then(function (response) { return response.ok ? response.text() : '' })
        .then(function (html) { region.innerHTML = html })
        .catch(function () {})
    }
    function later () {
      clearTimeout(timer)
      timer = setTimeout(refresh, 400)
    }
    form.addEventListener('change', later)
    form.addEventListener('wegov:place', later)
    later()
  }

  document.querySelectorAll('[data-near-me]').forEach(nearMe)
  var live = document.getElementById('duplicates-live')
  if (live) liveDuplicates(live)
  if (!L) return
  document.querySelectorAll('[data-map]').forEach(function (el) {
    var kind = el.dataset.map
    if (kind === 'picker') pickerMap(el)
    else if (kind === 'point') pointMap(el)
    else if (kind === 'reports' || kind === 'items') itemsMap(el)
  })
})()
