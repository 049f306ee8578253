"""The HTTP face of the service: the xAPI resources, the JSON API and the web pages."""
