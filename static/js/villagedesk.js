// Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can refuse
// inline handlers. A <select data-submit-on-change> submits its form when changed; a <select
// data-go-on-change> opens the address that is the chosen option's value.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLSelectElement)) return;
  if (field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  } else if (field.hasAttribute("data-go-on-change") && field.value) {
    window.location.assign(field.value);
  }
});
