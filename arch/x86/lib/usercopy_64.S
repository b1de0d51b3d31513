/* SPDX-License-Identifier: MIT */
/*
 * size_t raw_copy_user(void *to, const void *from, size_t n)
 *
 * Copies with rep movsb; a fault inside it resumes at the fix-up with
 * %rcx still holding the bytes not copied, which is what it returns.
 * The caller (pvk/uaccess.h) has checked that the user range lies in
 * the user half.
 */
	.text
	.globl raw_copy_user
raw_copy_user:
	movq	%rdx, %rcx
1:	rep movsb
2:	movq	%rcx, %rax
	ret
	.size raw_copy_user, . - raw_copy_user

	.pushsection __ex_table, "a"
	.balign 8
	.quad 1b, 2b
	.popsection
