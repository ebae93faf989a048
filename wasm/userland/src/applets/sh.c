/* sh: the layerbox host runs its own shell for this name (custom section
 * `layerbox.host-applets`, wasm/ABI.md); this body only runs on other hosts. */
#include "box.h"

__asm__(".section \".custom_section.layerbox.host-applets\",\"\",@\n"
        ".ascii \"sh\"\n");

const char help_sh[] = "Usage: sh [ARGS]...\nThe shell is provided by the layerbox host.\n";

APPLET(sh) {
  (void)argc; (void)argv;
  fprintf(stderr, "sh: the shell is provided by the layerbox host, which is not running this program\n");
  return 126;
}
