/* A 32-bit program (gcc -m32): a few syscalls of its own. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("%zu-bit, ppid %d\n", sizeof(void *) * 8, (int)getppid());
	return 0;
}
