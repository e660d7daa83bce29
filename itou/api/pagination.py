"""Pagination: cursors for the lists that grow (applications), numbered pages for bounded searches."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class SearchPagination(PageNumberPagination):
    """A distance search is bounded by its radius: numbered pages of 20, at most 100."""

    page_size = 20
    page_size_query_param = "taille"
    max_page_size = 100
    page_query_param = "page"
    invalid_page_message = "Page invalide."


class ApplicationCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "taille"
    max_page_size = 200
    ordering = ("-created_at", "-id")
    invalid_cursor_message = "Curseur invalide."


class UpdatedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "taille"
    max_page_size = 200
    ordering = ("-updated_at", "-id")
    invalid_cursor_message = "Curseur invalide."


class CreatedCursorPagination(UpdatedCursorPagination):
    ordering = ("-created_at", "-id")
