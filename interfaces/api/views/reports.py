"""Public report endpoints: categories, create, list (GeoJSON), detail, nearby, support."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.reports.danger import reporting_notices
from domains.reports.idempotency.services import key_clean
from domains.reports.models import Category, Report
from domains.reports.selectors import (
    NEARBY_LIMIT,
    feature_rows,
    nearby_distance_expression,
    public_history,
    public_photos,
    report_for_reporter,
    report_public,
    reports_filtered,
    reports_nearby,
)
from domains.reports.services import PhotoUpload, ReportDraft, report_create, report_support
from domains.reports.services.review import HELD_NOTICE
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.serializers.reports import (
    CategorySerializer,
    NearbyCollectionSerializer,
    ReportCreatedSerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportFeatureCollectionSerializer,
    SupportResultSerializer,
)
from kernel.core.errors import NotFound
from kernel.geo.coords import parse_lon_lat
from shared.http.client import client_ip
from shared.http.filters import report_filter
from shared.http.params import invalid
from shared.http.throttling import ReportCreateThrottle, SupportThrottle

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_\-]{8,100}$")


def media_base(request: Request) -> str:
    return request.build_absolute_uri(settings.MEDIA_URL)


def detail_base(request: Request) -> str:
    return request.build_absolute_uri("/api/v1/reports/")


def _json_response(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


def _page_params(request: Request) -> tuple[int, int]:
    params = request.query_params
    try:
        page = int(params.get("page") or 1)
    except ValueError:
        raise invalid("page", "page muss eine ganze Zahl ≥ 1 sein.") from None
    try:
        size = int(params.get("page_size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise invalid(
            "page_size", f"page_size muss eine ganze Zahl zwischen 1 und {MAX_PAGE_SIZE} sein."
        ) from None
    if page < 1:
        raise invalid("page", "page muss eine ganze Zahl ≥ 1 sein.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise invalid("page_size", f"page_size muss eine ganze Zahl zwischen 1 und {MAX_PAGE_SIZE} sein.")
    if page > 100_000:
        raise invalid("page", "page ist zu groß; bitte mit bbox oder Datum eingrenzen.")
    return page, size


def _page_url(request: Request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def report_feature(
    request: Request, public_id: str, *, with_details: bool = True, for_reporter: bool = False
) -> dict[str, Any]:
    """The public Feature of one report, plus photos and public history. ``for_reporter``: the answer to
    the report's own creation, which the reporter gets even while it waits for release (public fields only)."""
    report = report_for_reporter(public_id) if for_reporter else report_public(public_id)
    if report is None:
        raise NotFound("Meldung nicht gefunden.")
    rows = feature_rows(
        Report.objects.filter(pk=report.pk),
        media_base=media_base(request),
        detail_base=detail_base(request),
        limit=1,
    )
    feature = json.loads(rows[0])
    if with_details:
        base = media_base(request)
        feature["properties"]["photos"] = [
            {
                "url": base + p.image.name,
                "thumbnail_url": base + p.thumbnail.name,
                "width": p.width,
                "height": p.height,
            }
            for p in public_photos(report)
        ]
        feature["properties"]["history"] = [
            {**entry, "date": entry["date"].isoformat()} for entry in public_history(report)
        ]
    return feature


class CategoryListView(generics.ListAPIView):
    """The category catalogue (active categories, grouped)."""

    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.filter(active=True).select_related("group")

    def get_serializer_context(self) -> dict[str, Any]:
        """``?commune=<AGS>``: danger notices name that commune's on-call number (issue 31.1)."""
        ags = str(self.request.query_params.get("commune") or "")
        known = ags if ags.isascii() and ags.isdigit() else None
        notices = [
            {
                "text": n.text,
                "link": n.link or None,
                "starts": n.starts.isoformat(),
                "ends": n.ends.isoformat(),
            }
            for n in reporting_notices(known)
        ]
        return {**super().get_serializer_context(), "ags": known, "notices": notices}

    @extend_schema(summary="Kategorien")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


REPORT_LIST_PARAMS = [
    OpenApiParameter(
        "bbox",
        OpenApiTypes.STR,
        description="minLängengrad,minBreitengrad,maxLängengrad,maxBreitengrad (WGS84)",
    ),
    OpenApiParameter("status", OpenApiTypes.STR, description="Status, kommagetrennt; auch open/closed"),
    OpenApiParameter("category", OpenApiTypes.STR, description="Kategorie-Kürzel, kommagetrennt"),
    OpenApiParameter("commune", OpenApiTypes.STR, description="Gemeindeschlüssel (8 Ziffern)"),
    OpenApiParameter("district", OpenApiTypes.STR, description="Kreisschlüssel (5 Ziffern)"),
    OpenApiParameter("since", OpenApiTypes.STR, description="Ab Datum/Zeitpunkt (ISO 8601)"),
    OpenApiParameter("until", OpenApiTypes.STR, description="Bis Datum (einschließlich) oder Zeitpunkt"),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=["created", "-created"], description="Sortierung"),
    OpenApiParameter("page", OpenApiTypes.INT, description="Seite (ab 1)"),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Einträge pro Seite (1–{MAX_PAGE_SIZE}, Standard {DEFAULT_PAGE_SIZE})",
    ),
]


class ReportListCreateView(APIView):
    def get_throttles(self):
        return [ReportCreateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        summary="Meldungen als GeoJSON-FeatureCollection",
        operation_id="reports_list",
        parameters=REPORT_LIST_PARAMS,
        responses={200: ReportFeatureCollectionSerializer, 400: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> HttpResponse:
        flt = report_filter(request.query_params)
        page, size = _page_params(request)
        rows = feature_rows(
            reports_filtered(flt),
            media_base=media_base(request),
            detail_base=detail_base(request),
            limit=size + 1,
            offset=(page - 1) * size,
        )
        has_next = len(rows) > size
        rows = rows[:size]
        next_url = json.dumps(_page_url(request, page + 1)) if has_next else "null"
        prev_url = json.dumps(_page_url(request, page - 1)) if page > 1 else "null"
        body = (
            '{"type":"FeatureCollection","features":['
            + ",".join(rows)
            + f'],"next":{next_url},"previous":{prev_url},"number_returned":{len(rows)}}}'
        )
        return _json_response(body)

    @extend_schema(
        summary="Mangel melden",
        description=(
            "multipart/form-data mit lat/lon und Fotos, oder JSON mit einem GeoJSON-Punkt in location. "
            "Anonym erlaubt; pro IP gedrosselt (429 mit Retry-After). Mit dem Kopf Idempotency-Key (z. B. eine "
            "UUID, 24 Stunden gültig) liefert eine Wiederholung dieselbe Meldung statt einer zweiten; derselbe "
            "Schlüssel mit anderen Angaben ergibt 409."
        ),
        request={"multipart/form-data": ReportCreateSerializer, "application/json": ReportCreateSerializer},
        responses={
            201: ReportCreatedSerializer,
            400: ERROR_SERIALIZER,
            409: ERROR_SERIALIZER,
            429: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        draft = ReportDraft(
            category=_value(data, "category"),
            description=_value(data, "description"),
            lon=_value(data, "lon"),
            lat=_value(data, "lat"),
            location=_value(data, "location"),
            place=_value(data, "place") or "",
            name=_value(data, "name") or "",
            email=_value(data, "email") or "",
            phone=_value(data, "phone") or "",
            photos=[PhotoUpload(file=f, name=f.name, size=f.size) for f in files],
            channel="api",
            idempotency_key=key_clean(request.headers.get("Idempotency-Key")),
            idempotency_client=str(request.user.pk or "") if request.user.is_authenticated else "",
        )
        # The answer is read inside the creating transaction: never a 503 for a stored report.
        created = report_create(
            draft=draft,
            user=request.user,
            present=lambda report: report_feature(request, report.public_id, for_reporter=True),
        )
        feature = created.presented
        held = created.report.held_for_review
        feature["published"] = not held
        feature["notice"] = HELD_NOTICE if held else ""
        feature["tracking_url"] = request.build_absolute_uri(
            reverse("web:report-track", args=[created.report.public_id, created.tracking_token])
        )
        response = Response(feature, status=201)
        if created.replayed:  # the same answer again; the header tells a client it was a retry
            response["Idempotent-Replayed"] = "true"
        return response


def _value(data: Any, key: str) -> Any:
    """A single value from a QueryDict or JSON body; lists/objects only where a field expects them."""
    value = data.get(key) if hasattr(data, "get") else None
    if isinstance(value, list):
        raise invalid(key, f"{key}: genau ein Wert erwartet.")
    if isinstance(value, dict) and key != "location":
        raise invalid(key, f"{key}: ein einzelner Wert erwartet.")
    return value


class ReportDetailView(APIView):
    @extend_schema(
        summary="Eine Meldung mit öffentlichem Verlauf",
        responses={200: ReportDetailSerializer, 404: ERROR_SERIALIZER},
    )
    def get(self, request: Request, public_id: str) -> Response:
        return Response(report_feature(request, public_id))


class ReportNearbyView(APIView):
    @extend_schema(
        summary="Offene Meldungen in der Nähe (Dublettenprüfung)",
        description="Offene Meldungen derselben Kategorie im Umkreis von 50 m aus den letzten 30 Tagen, nächste zuerst.",
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("category", OpenApiTypes.STR),
        ],
        responses={200: NearbyCollectionSerializer, 400: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        point = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = (params.get("category") or "").strip() or None
        if category and not Category.objects.filter(slug=category).exists():
            raise invalid("category", f"Unbekannte Kategorie „{category[:60]}“.")
        rows = feature_rows(
            reports_nearby(point, category=category),
            media_base=media_base(request),
            detail_base=detail_base(request),
            limit=NEARBY_LIMIT,
            distance_m=nearby_distance_expression(point),
        )
        return _json_response('{"type":"FeatureCollection","features":[' + ",".join(rows) + "]}")


class ReportSupportView(APIView):
    throttle_classes = [SupportThrottle]

    @extend_schema(
        summary="„Ich bin auch betroffen“",
        description="Einmal pro Client (Header X-Client-Id einer App, sonst die IP-Adresse); gedrosselt.",
        request=None,
        parameters=[
            OpenApiParameter("X-Client-Id", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)
        ],
        responses={
            200: SupportResultSerializer,
            400: OpenApiResponse(ERROR_SERIALIZER, description="Ungültige X-Client-Id"),
            404: ERROR_SERIALIZER,
            409: OpenApiResponse(ERROR_SERIALIZER, description="Meldung bereits abgeschlossen"),
            429: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        client_id = request.headers.get("X-Client-Id", "")
        if client_id and not CLIENT_ID_RE.match(client_id):
            raise invalid("X-Client-Id", "X-Client-Id: 8–100 Zeichen aus Buchstaben, Ziffern, - und _.")
        address = client_ip(request)
        identity = f"app:{client_id}" if client_id else f"ip:{address}"
        result = report_support(public_id=public_id, client_identity=identity, address=address)
        return Response({"supporters": result.supporters, "added": result.added})
