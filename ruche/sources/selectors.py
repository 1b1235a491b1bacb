from ruche.sources.models import Source


def sources_of(community) -> list[Source]:
    return list(Source.objects.filter(community=community).select_related("added_by").order_by("title", "pk"))


def source_in(community, pk: int) -> Source:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Source.objects.select_related("community"), community=community, pk=pk)
