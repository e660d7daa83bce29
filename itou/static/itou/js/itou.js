// Site-wide behaviours. No inline JavaScript anywhere (the CSP forbids it).
