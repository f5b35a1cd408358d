// "Print or save as PDF" buttons (data-wegov-print): hidden in the HTML, so
// readers without JavaScript see only the sentence about their browser's Print
// command; shown and wired here (the Content-Security-Policy forbids inline
// scripts).
for (const button of document.querySelectorAll('[data-wegov-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
