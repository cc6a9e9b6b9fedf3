"""One dashboard class per lab, composed from charts, maps and the domain packages."""
