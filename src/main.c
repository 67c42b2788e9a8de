/* Placeholder until the command line lands. */
#include <stdio.h>

int main(void)
{
    fputs("tflint: not built yet\n", stderr);
    return 3;
}
