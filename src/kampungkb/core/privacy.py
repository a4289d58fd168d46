"""Personal data shown to people: NIK masking."""


def mask_nik(nik: str | None) -> str:
    """Show the first four and last four digits of a NIK: ``1906********0001``.

    >>> mask_nik("1906012345670001")
    '1906********0001'
    >>> mask_nik("")
    ''
    """
    if not nik:
        return ""
    nik = str(nik)
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]
