"""Read queries on categories and a commune's own category settings, for the staff pages.

Kept apart from ``reports.selectors`` only so this change does not collide with parallel work on that
file; the functions belong with it and can move there in a later merge. They live in ``reports`` (not in
``organisations.selectors``) because organisations sit below reports and must not import its models.
"""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import Category, CommuneCategorySetting


def categories_active(*, with_group: bool = False) -> QuerySet[Category]:
    """Active categories; ``with_group`` joins the group for pages that show it."""
    qs = Category.objects.filter(active=True)
    return qs.select_related("group") if with_group else qs


def category_settings_by_category(ags: str) -> dict[int, CommuneCategorySetting]:
    """The commune's own settings, keyed by category id (categories without one use the defaults)."""
    return {s.category_id: s for s in CommuneCategorySetting.objects.filter(ags=ags)}
