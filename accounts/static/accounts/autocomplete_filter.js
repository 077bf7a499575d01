'use strict';
// Choosing an account list in an autocomplete list filter reloads the list filtered by it.
window.addEventListener('load', function () {
    django.jQuery('form.autocomplete-filter select').on('change', function () {
        this.form.submit();
    });
});
