"""Worked derivations as data (a list of steps with claims, justifications,
exact math and the facts they share with the certificate), their builders,
and renderers to Markdown, LaTeX and HTML.  Also the teaching examples of
Appendix C and Remark 3.4 that need no network."""
