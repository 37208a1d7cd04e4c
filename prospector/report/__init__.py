"""Report: the self-contained HTML report (render, linkmap, templates/) and the
outreach exports (export)."""
