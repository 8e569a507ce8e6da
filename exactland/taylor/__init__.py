"""Taylor expansions of the loss per orthant (Appendices F and G): directions,
exact ray polynomials, symbolic expansions in aligned coordinates, and the
canonical-versus-aligned axes contrast.  Imports the core, never the
derivation, embedding, dynamics or CLI layers."""
