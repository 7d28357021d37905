/*
 * The shopping assistant's chat widget for any shop page (served as /widget.js).
 *
 *   <script src="https://assistant.example.com/widget.js" async
 *           data-customer-token="SIGNED-JWT-OR-EMPTY"></script>
 *
 * 1. loads its stylesheet, React and rasa-webchat 1.0.1 from the same server
 *    (never from a CDN);
 * 2. asks /api/session for the chat session: the shop's customer token (if any)
 *    and the session stored in this browser go in, a session token signed by
 *    the server comes out (an anonymous visitor keeps theirs; a customer gets
 *    theirs on every device). A session that changed owner starts an empty chat;
 * 3. starts rasa-webchat on Rasa's socket.io channel, with a renderer for the
 *    assistant's payloads: product cards (Details / Add to cart / More like this),
 *    selectable service cards and the checkout link. Quick replies are the
 *    widget's own chips.
 *
 * Plain JavaScript, no build step. window.ShopAssistant.ask(text) sends a
 * question from the page (the demo shop's "Ask the assistant" buttons).
 */
(function () {
  "use strict";
  if (window.ShopAssistant) return;

  var STORAGE_KEY = "chat_session";          // rasa-webchat's key in localStorage
  var WEBCHAT_VERSION = "1.0.1";
  var script = document.currentScript || document.querySelector('script[src$="/widget.js"]');
  var base = new URL(script ? script.src : "/widget.js", window.location.href).origin;
  var customerToken = (script && script.getAttribute("data-customer-token")) || "";
  var widget = null;
  var pending = [];

  window.ShopAssistant = {
    ready: false,
    ask: function (text) {
      if (!widget) { pending.push(text); return; }
      openChat();
      widget.sendMessage(text, text);       // (payload, text shown as the customer's message)
    }
  };

  function openChat() {
    var launcher = document.querySelector(".rw-launcher");
    if (launcher && !document.querySelector(".rw-conversation-container")) launcher.click();
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function loadStyle(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function storedSession() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  // rasa-webchat's own starting state, for a browser that has none stored yet
  // (it reads `params` back on start and would otherwise start hidden).
  var FRESH_PARAMS = {
    connected: false, initialized: false, isChatVisible: true, isChatOpen: false, disabledInput: true,
    docViewer: false, connectingText: "Waiting for server...", unreadCount: 0, messageDelayed: false,
    oldUrl: "", pageChangeCallbacks: {}
  };

  function adoptSession(answer) {
    var stored = storedSession();
    if (!stored || !stored.params) {
      stored = { params: FRESH_PARAMS, conversation: [], metadata: {}, version: WEBCHAT_VERSION };
    } else if (!answer.keep_conversation) {
      // Someone else's conversation in this browser (logged out, other customer): start empty.
      stored.conversation = [];
      stored.metadata = {};
    }
    stored.session_id = answer.session_id;
    stored.lastUpdate = Date.now();
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  }

  function askForSession() {
    var stored = storedSession();
    return fetch(base + "/api/session", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },    // a simple request: no CORS preflight
      body: JSON.stringify({ customer_token: customerToken || null,
                             session_id: stored ? stored.session_id : null })
    }).then(function (response) {
      if (!response.ok) throw new Error("session: HTTP " + response.status);
      return response.json();
    });
  }

  // -- rendering of the assistant's payloads --------------------------------------------
  var h = null;   // React.createElement, set once React is loaded

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
  }

  function money(amount, currency) {
    if (typeof amount !== "number") return "";
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" }).format(amount);
    } catch (error) {
      return amount.toFixed(2) + " " + (currency || "");
    }
  }

  function sender(dispatch) {
    return function (title, payload) {
      dispatch({ type: "ADD_NEW_USER_MESSAGE", text: title, nextMessageIsTooltip: false, hidden: false });
      dispatch({ type: "EMIT_NEW_USER_MESSAGE", text: payload });
    };
  }

  function payload(intent, entities) {
    return "/" + intent + JSON.stringify(entities);
  }

  function placeholder(text) {
    return h("div", { className: "sa-card-image sa-placeholder", "aria-hidden": "true" },
             h("span", null, (text || "?").charAt(0).toUpperCase()));
  }

  function ProductImage(props) {
    var src = safeUrl(props.src);
    if (!src) return placeholder(props.category);
    return h("div", { className: "sa-card-image" },
      h("img", {
        src: src, alt: "", loading: "lazy",
        onError: function (event) {
          var box = event.target.parentNode;
          box.classList.add("sa-placeholder");
          box.setAttribute("data-initial", (props.category || "?").charAt(0).toUpperCase());
          event.target.remove();
        }
      }));
  }

  function productCard(product, send) {
    var id = { product_id: product.id };
    var link = safeUrl(product.url);
    return h("div", { className: "sa-card", key: product.id, "data-product-id": product.id },
      h(ProductImage, { src: product.image, category: product.category || product.title }),
      h("div", { className: "sa-card-body" },
        link ? h("a", { className: "sa-card-title", href: link, target: "_blank", rel: "noopener" }, product.title)
             : h("div", { className: "sa-card-title" }, product.title),
        h("div", { className: "sa-card-price" }, money(product.price, product.currency)),
        (product.colour || product.size)
          ? h("div", { className: "sa-card-variant" }, [product.colour, product.size].filter(Boolean).join(", "))
          : null,
        product.reason ? h("div", { className: "sa-card-reason" }, product.reason) : null),
      h("div", { className: "sa-card-actions" },
        h("button", { type: "button", className: "sa-button",
                      onClick: function () { send("Details: " + product.title, payload("ask_product_detail", id)); } },
          "Details"),
        h("button", { type: "button", className: "sa-button sa-primary",
                      onClick: function () { send("Add to cart: " + product.title, payload("add_to_cart", { product_id: product.variant_id || product.id })); } },
          "Add to cart"),
        h("button", { type: "button", className: "sa-button",
                      onClick: function () { send("More like " + product.title, payload("more_like", id)); } },
          "More like this")));
  }

  function serviceCard(service, forProduct, send) {
    var price = service.price === 0 ? "free" : money(service.price, service.currency);
    return h("button", {
      type: "button", className: "sa-service", key: service.id, "data-service-id": service.id,
      onClick: function (event) {
        var card = event.currentTarget;
        if (card.classList.contains("sa-selected")) return;
        card.classList.add("sa-selected");
        send("Add " + service.title, payload("add_service", { service_id: service.id, product_id: forProduct }));
      }
    },
      h("span", { className: "sa-service-check", "aria-hidden": "true" }),
      h("span", { className: "sa-service-title" }, service.title),
      h("span", { className: "sa-service-price" }, price));
  }

  function ShopPayload(props) {
    var custom = props.custom || {};
    var send = sender(props.dispatch);
    if (custom.type === "products" && Array.isArray(custom.products)) {
      return h("div", { className: "sa-carousel", role: "list" },
        custom.products.map(function (product) { return productCard(product, send); }));
    }
    if (custom.type === "services" && Array.isArray(custom.services)) {
      return h("div", { className: "sa-services" },
        custom.services.map(function (service) { return serviceCard(service, custom.for_product, send); }));
    }
    if (custom.type === "checkout" && safeUrl(custom.url)) {
      return h("a", { className: "sa-checkout", href: safeUrl(custom.url), target: "_blank", rel: "noopener" },
        "Go to checkout" + (typeof custom.total === "number" ? " - " + money(custom.total, custom.currency) : ""));
    }
    return null;
  }

  // -- start -------------------------------------------------------------------------------
  function start(answer) {
    var previousReact = window.React;
    loadScript(base + "/static/vendor/react.production.min.js")
      .then(function () {
        var React = window.React;
        window.React = previousReact;          // leave the shop's own React (if any) alone
        h = React.createElement;
        return loadScript(base + "/static/vendor/rasa-webchat.js");
      })
      .then(function () {
        var mount = document.createElement("div");
        mount.id = "shop-assistant";
        document.body.appendChild(mount);
        window.WebChat.default({
          socketUrl: answer ? answer.socket_url : base.replace(/:\d+$/, ":5005"),
          socketPath: answer ? answer.socket_path : "/socket.io/",
          title: "Shopping assistant",
          subtitle: "Ask me for anything in the shop",
          inputTextFieldHint: "e.g. waterproof hiking boots under 120",
          initPayload: "/greet",
          params: { storage: "local" },
          withRules: false,
          customComponent: ShopPayload,
          customMessageDelay: function () { return 150; },
          innerRef: function (ref) { if (ref) widget = ref; }
        }, mount);
        var wait = setInterval(function () {
          if (!widget) return;
          clearInterval(wait);
          window.ShopAssistant.ready = true;
          pending.splice(0).forEach(window.ShopAssistant.ask);
        }, 100);
      })
      .catch(function (error) { console.error("shop assistant:", error); });
  }

  loadStyle(base + "/static/shop-widget.css");
  askForSession()
    .then(function (answer) { adoptSession(answer); start(answer); })
    .catch(function (error) {
      // Without /api/session the socket.io channel still issues an anonymous session.
      console.warn("shop assistant: no session from the server, continuing anonymously", error);
      start(null);
    });
})();
