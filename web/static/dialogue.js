// The dialogue session as a presentation: one finding per screen, moved with the arrow
// keys, Page Up/Down, Home and End, or the Previous/Next buttons. Without this script
// every finding is listed on one page and works the same.
"use strict";

(function () {
  var deck = document.querySelector("[data-dialogue]");
  var nav = document.querySelector(".dialogue-nav");
  if (!deck || !nav) {
    return;
  }
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
  var position = nav.querySelector(".dialogue-position");
  var current = 0;

  function show(index, focus) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) {
      slide.hidden = i !== current;
    });
    position.textContent = current + 1 + " / " + slides.length;
    if (window.location.hash !== "#" + slides[current].id) {
      history.replaceState(null, "", "#" + slides[current].id);
    }
    if (focus) {
      slides[current].focus();
    }
  }

  function typing(target) {
    return target && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName);
  }

  document.body.classList.add("presenting");
  nav.hidden = false;
  nav.addEventListener("click", function (event) {
    var step = event.target.getAttribute("data-step");
    if (step) {
      show(current + Number(step), false);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (event.key in moves) {
      show(current + moves[event.key], true);
    } else if (event.key === "Home") {
      show(0, true);
    } else if (event.key === "End") {
      show(slides.length - 1, true);
    } else {
      return;
    }
    event.preventDefault();
  });
  var start = slides.findIndex(function (slide) {
    return "#" + slide.id === window.location.hash;
  });
  show(start < 0 ? 0 : start, start > 0);
})();
