/* The applet names as a custom section, `layerbox.applets` (one per line), so a host
 * can list them without running the module: the `box` image recipe links each name
 * to /bin/box. Emitted through the assembler, as data sections would be dropped by
 * LTO; `\\n` reaches .ascii as an escaped newline. */
#include "applets.h"

#define NAME_LINE(name, id) name "\\n"

__asm__(".section \".custom_section.layerbox.applets\",\"\",@\n"
        ".ascii \"" APPLET_LIST(NAME_LINE) "\"\n");
