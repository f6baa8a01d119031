# Firefox ESR (Debian package) for the cross-browser tests, driven by puppeteer-core over WebDriver BiDi
# (playwright-core drives only its own patched Firefox builds, which cannot be downloaded here).
command -v firefox-esr >/dev/null 2>&1 || APT_PACKAGES+=(firefox-esr)
