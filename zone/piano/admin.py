"""Platform staff configure the regions' reporting forms here (rows bound to areas, source
types and codici prestazione). Plans themselves are edited on the zone's pages."""

from django.contrib import admin

from .models import ModelloRendiconto, RigaModello


class RigaModelloInline(admin.TabularInline):
    model = RigaModello
    extra = 1
    fields = ["ordine", "sezione", "etichetta", "area_target", "tipo_fonte",
              "prefisso_codice_prestazione", "misura"]


@admin.register(ModelloRendiconto)
class ModelloRendicontoAdmin(admin.ModelAdmin):
    list_display = ["titolo", "regione_istat", "codice", "esempio"]
    list_filter = ["regione_istat", "esempio"]
    inlines = [RigaModelloInline]
