"""The web pages for county administrators and coordinators (server-rendered, Swedish
first): log-in, overviews, workshop lists, uploads, reminders."""
