// SPDX-License-Identifier: MIT
/*
 * Static ELF64 x86-64 executables (ET_EXEC, or ET_DYN loaded at a fixed
 * base as static-pie), read from the initramfs into a fresh address
 * space, with the initial stack musl's start code expects: argc, argv,
 * envp and the auxiliary vector (Linux's create_elf_tables()).
 *
 * Runs in the new process's own thread with its address space loaded,
 * so segments and the stack are written at their user addresses.
 */
#include <pvk/kernel.h>
#include <pvk/binfmts.h>
#include <pvk/initramfs.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/string.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define ELF_DYN_BASE	0x400000UL

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_EXECFN	31

#define STACK_TOP	TASK_SIZE
#define STACK_SIZE	(128UL << 10)

struct elf64_hdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Linux's init gets these; musl needs none of them. */
static const char *const init_envp[] = { "HOME=/", "TERM=linux", NULL };

static const struct elf64_phdr *check_header(const struct initramfs_file *f)
{
	const struct elf64_hdr *h = (const void *)f->data;

	if (f->size < sizeof(*h) || memcmp(h->e_ident, "\177ELF\2\1\1", 7) ||
	    (h->e_type != ET_EXEC && h->e_type != ET_DYN) ||
	    h->e_machine != EM_X86_64 ||
	    h->e_phentsize != sizeof(struct elf64_phdr) || !h->e_phnum ||
	    h->e_phoff > f->size ||
	    (u64)h->e_phnum * sizeof(struct elf64_phdr) > f->size - h->e_phoff ||
	    h->e_phoff % 8)
		return NULL;
	return (const void *)(f->data + h->e_phoff);
}

/* A PT_LOAD inside the file and below the stack, without wrap-around. */
static bool segment_ok(const struct initramfs_file *f,
		       const struct elf64_phdr *ph, unsigned long bias)
{
	u64 start = ph->p_vaddr + bias;

	return ph->p_filesz <= ph->p_memsz && ph->p_offset <= f->size &&
	       ph->p_filesz <= f->size - ph->p_offset &&
	       start >= PAGE_SIZE && start < STACK_TOP - STACK_SIZE &&
	       ph->p_memsz <= STACK_TOP - STACK_SIZE - start;
}

static int load_segments(struct process *p, const struct initramfs_file *f,
			 const struct elf64_phdr *ph, unsigned int n,
			 unsigned long bias, unsigned long *phdr_va)
{
	const struct elf64_hdr *h = (const void *)f->data;
	unsigned long end = 0;

	*phdr_va = 0;
	for (unsigned int i = 0; i < n; i++, ph++) {
		unsigned long va = ph->p_vaddr + bias;
		int err;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!segment_ok(f, ph, bias))
			return -ENOEXEC;
		err = mm_populate(p->mm, va, va + ph->p_memsz);
		if (err)
			return err;
		memcpy((void *)va, f->data + ph->p_offset, ph->p_filesz);
		memset((void *)(va + ph->p_filesz), 0, ph->p_memsz - ph->p_filesz);
		if (h->e_phoff >= ph->p_offset &&
		    h->e_phoff - ph->p_offset < ph->p_filesz)
			*phdr_va = va + (h->e_phoff - ph->p_offset);
		end = MAX(end, va + ph->p_memsz);
	}
	if (!end)
		return -ENOEXEC;
	p->mm->start_brk = p->mm->brk = ALIGN_UP(end, PAGE_SIZE);
	return 0;
}

/* Copy a string below *@sp; returns its user address. */
static unsigned long push_string(unsigned long *sp, const char *s)
{
	size_t len = strlen(s) + 1;

	*sp -= len;
	memcpy((void *)*sp, s, len);
	return *sp;
}

static int count(const char *const *v)
{
	int n = 0;

	while (v[n])
		n++;
	return n;
}

/*
 * The initial stack, from the top: strings, AT_RANDOM's bytes, then
 * (16-byte aligned at argc) argc, argv[], NULL, envp[], NULL, auxv.
 */
static unsigned long create_elf_tables(struct process *p, const struct elf64_hdr *h,
				       unsigned long bias, unsigned long phdr_va)
{
	const char *const *envp = p->envp ? p->envp : init_envp;
	int argc = p->argc, envc = count(envp);
	unsigned long sp = STACK_TOP, argv_va[PROCESS_ARGS_MAX];
	unsigned long envp_va[PROCESS_ARGS_MAX];
	unsigned long execfn, random, *w;
	unsigned long auxv[][2] = {
		{ AT_PHDR, phdr_va }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, h->e_phnum }, { AT_PAGESZ, PAGE_SIZE },
		{ AT_ENTRY, h->e_entry + bias }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ AT_RANDOM, 0 }, { AT_EXECFN, 0 }, { AT_NULL, 0 },
	};
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * ARRAY_SIZE(auxv);

	execfn = push_string(&sp, p->path);
	for (int i = 0; i < argc; i++)
		argv_va[i] = push_string(&sp, p->argv[i]);
	for (int i = 0; i < envc; i++)
		envp_va[i] = push_string(&sp, envp[i]);
	sp = ALIGN_DOWN(sp, 16) - 16;
	random = sp;
	arch_random_bytes((u8 *)random, 16);
	auxv[ARRAY_SIZE(auxv) - 3][1] = random;
	auxv[ARRAY_SIZE(auxv) - 2][1] = execfn;

	sp = ALIGN_DOWN(sp - words * sizeof(long), 16);
	w = (unsigned long *)sp;
	*w++ = (unsigned long)argc;
	for (int i = 0; i < argc; i++)
		*w++ = argv_va[i];
	*w++ = 0;
	for (int i = 0; i < envc; i++)
		*w++ = envp_va[i];
	*w++ = 0;
	memcpy(w, auxv, sizeof(auxv));
	return sp;
}

/**
 * exec_initramfs - load @p's program into a new address space
 * @p: the calling thread's process (path and argv set, no mm yet)
 * @entry: set to the entry point
 * @sp: set to the initial user stack pointer
 *
 * Returns 0, -ENOENT (no such file), -ENOEXEC (not a static x86-64 ELF
 * that fits), or -ENOMEM.  On failure the address space stays for the
 * caller's exit to tear down.
 */
int exec_initramfs(struct process *p, unsigned long *entry, unsigned long *sp)
{
	const struct initramfs_file *f = initramfs_lookup(p->path);
	const struct elf64_phdr *ph;
	const struct elf64_hdr *h;
	unsigned long bias, phdr_va;
	int err;

	if (!f)
		return -ENOENT;
	ph = check_header(f);
	if (!ph)
		return -ENOEXEC;
	h = (const void *)f->data;
	bias = h->e_type == ET_DYN ? ELF_DYN_BASE : 0;
	p->mm = mm_alloc();
	if (!p->mm)
		return -ENOMEM;
	mm_activate(p->mm);
	err = load_segments(p, f, ph, h->e_phnum, bias, &phdr_va);
	if (!err)
		err = mm_populate(p->mm, STACK_TOP - STACK_SIZE, STACK_TOP);
	if (err)
		return err;
	if (!phdr_va || h->e_entry + bias >= STACK_TOP)
		return -ENOEXEC;
	*entry = h->e_entry + bias;
	*sp = create_elf_tables(p, h, bias, phdr_va);
	return 0;
}
