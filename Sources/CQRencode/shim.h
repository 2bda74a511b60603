// libqrencode, imported as a system library (Debian libqrencode-dev).
#include <qrencode.h>
