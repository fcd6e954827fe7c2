"""Generated title artwork, drawn as SVG strings (pure functions, no Flask; webapp/art.py
serves them):

- spec.py: ArtSpec, everything a title's artwork depends on;
- colour.py: genre palettes, tag hues and colour maths;
- typography.py: the title's type (the same on every variant of a title);
- motifs.py: the geometric motifs and the canvas they draw on;
- compose.py: posters, wide images and episode stills from those parts.

Imports point down that list (compose uses the others; colour, typography and motifs need only
the spec), with no cycle: tests/test_architecture.py checks it.
"""
