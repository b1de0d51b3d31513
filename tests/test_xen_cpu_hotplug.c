// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/cpu_hotplug-parse.c: the paths of the
 * toolstack's cpu/N/availability watch events and their values.  A
 * well-formed vCPU number is taken whatever its size (the core refuses
 * vCPUs that do not exist); a malformed one, or a value other than
 * exactly "online" or "offline", is refused.
 */
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include "../drivers/xen/cpu_hotplug-internal.h"
#include "harness.h"

static int path(const char *p, unsigned int *cpu)
{
	*cpu = 12345;
	return xen_cpu_parse_path(p, cpu);
}

TEST(path_relative_and_absolute)
{
	unsigned int cpu;

	EXPECT_EQ(path("cpu/1/availability", &cpu), 0);
	EXPECT_EQ_U(cpu, 1);
	EXPECT_EQ(path("cpu/0/availability", &cpu), 0);
	EXPECT_EQ_U(cpu, 0);
	EXPECT_EQ(path("/local/domain/7/cpu/3/availability", &cpu), 0);
	EXPECT_EQ_U(cpu, 3);
	EXPECT_EQ(path("cpu/99999/availability", &cpu), 0);
	EXPECT_EQ_U(cpu, 99999);
}

TEST(path_other_nodes_ignored)
{
	static const char *const other[] = {
		"cpu", "cpu/", "cpu/1", "cpu/1/", "cpu/1/availabilityx",
		"cpu/1/other", "cpus/1/availability", "control/shutdown",
		"/local/domain/7/cpu", "/local/domain/7/memory/target",
		"/local/domain/x/cpu/1/availability", "",
	};
	unsigned int cpu;

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		EXPECT_EQ(path(other[i], &cpu), -ENOENT);
		EXPECT_EQ_U(cpu, 12345);
	}
}

TEST(path_bad_numbers_refused)
{
	static const char *const bad[] = {
		"cpu//availability", "cpu/-1/availability", "cpu/+1/availability",
		"cpu/01/availability", "cpu/1a/availability", "cpu/ 1/availability",
		"cpu/100000/availability", "cpu/4294967296/availability",
		"cpu/99999999999999999999/availability", "cpu/0x1/availability",
	};
	unsigned int cpu;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(path(bad[i], &cpu), -EINVAL);
		EXPECT_EQ_U(cpu, 12345);
	}
}

TEST(path_directory)
{
	EXPECT(xen_cpu_path_is_dir("cpu"));
	EXPECT(xen_cpu_path_is_dir("/local/domain/12/cpu"));
	EXPECT(!xen_cpu_path_is_dir("cpu/"));
	EXPECT(!xen_cpu_path_is_dir("cpu/1/availability"));
	EXPECT(!xen_cpu_path_is_dir("/local/domain//cpu"));
	EXPECT(!xen_cpu_path_is_dir(""));
}

TEST(availability_values)
{
	static const char *const bad[] = {
		"", "Online", "online ", " offline", "on", "off", "1", "0",
		"offline\n", "down",
	};
	bool online = false;

	EXPECT_EQ(xen_cpu_parse_availability("online", &online), 0);
	EXPECT(online);
	EXPECT_EQ(xen_cpu_parse_availability("offline", &online), 0);
	EXPECT(!online);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		online = true;
		EXPECT_EQ(xen_cpu_parse_availability(bad[i], &online), -EINVAL);
		EXPECT(online);
	}
}

int main(void)
{
	RUN(path_relative_and_absolute);
	RUN(path_other_nodes_ignored);
	RUN(path_bad_numbers_refused);
	RUN(path_directory);
	RUN(availability_values);
	return TEST_DONE();
}
