"""Citizens' participation pages: updates, questionnaires, abuse notices."""
