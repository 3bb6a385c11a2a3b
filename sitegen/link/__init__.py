"""Link stage: entries → the linked Site: references, bodies, markup, images, the map."""
