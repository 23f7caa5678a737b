// Textbausteine: choosing one fills the public note with its text (already filled in for this report by
// the server), so it can be edited before saving. Without JavaScript the select is sent with the form and
// the server uses the template when the note is empty.
document.querySelectorAll("select[data-note-target]").forEach((select) => {
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    const target = document.getElementById(select.dataset.noteTarget);
    if (target && option && option.dataset.text !== undefined) {
      target.value = option.dataset.text;
      // A Textbaustein is written for the public: on the Bauhof page the note becomes public with it.
      const visibility = select.dataset.noteVisibility && document.getElementById(select.dataset.noteVisibility);
      if (visibility) visibility.checked = true;
    }
  });
});
