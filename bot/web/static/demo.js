// The demo shop page's "Ask the assistant" buttons (a file, not inline: the page's
// Content-Security-Policy allows scripts from this server only).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".tile-ask");
  if (button && window.ShopAssistant) window.ShopAssistant.ask(button.getAttribute("data-question"));
});
