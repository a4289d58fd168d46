"""The KPM village convergence scorecard (Kartu Skor Konvergensi Desa), quarterly: the
indicator catalogue, the cells derived from the data the system holds or entered by the KPM,
the growth mat, coverage and the village convergence level (DOMAIN.md §5)."""
