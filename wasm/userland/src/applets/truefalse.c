/* true and false. */
#include "box.h"

const char help_true[] = "Usage: true [ignored command line arguments]\nExit with a status code indicating success.\n";
const char help_false[] = "Usage: false [ignored command line arguments]\nExit with a status code indicating failure.\n";

APPLET(true) { (void)argc; (void)argv; return 0; }
APPLET(false) { (void)argc; (void)argv; return 1; }
