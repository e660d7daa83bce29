// Accessible combobox for autocomplete fields (written by the reference-data work).
