/* fdsim command line (placeholder until the loader lands). */
#include <stdio.h>
int main(void) { puts("fdsim"); return 0; }
