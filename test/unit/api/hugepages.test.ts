import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import {
  hugePageLimits,
  hugePageMountOption,
  hugePageResourceName,
  hugePageSizeFromMedium,
  hugePageSizeFromResourceName,
  isHugePageMedium,
} from '../../../src/api/hugepages.js';
import { containerCgroupValues, containerLimits, podCgroupValues } from '../../../src/api/resources.js';

const MiB = 1024n * 1024n;

function pod(...containers: Partial<Container>[]): Pod {
  return { spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'i', ...c })) } };
}
const wanting = (size: string, amount = '4Mi'): Partial<Container> => ({
  resources: {
    requests: { [`hugepages-${size}`]: amount, memory: '16Mi' },
    limits: { [`hugepages-${size}`]: amount, memory: '16Mi' },
  },
});

describe('huge page names', () => {
  test('a page size is named as a binary quantity, and read back', () => {
    assert.equal(hugePageResourceName(2n * MiB), 'hugepages-2Mi');
    assert.equal(hugePageResourceName(1024n * MiB), 'hugepages-1Gi');
    assert.equal(hugePageSizeFromResourceName('hugepages-2Mi'), 2n * MiB);
    assert.equal(hugePageSizeFromResourceName('hugepages-1Gi'), 1024n * MiB);
  });

  test('names that are not huge pages, or carry no positive size, have no page size', () => {
    for (const name of ['memory', 'hugepages-', 'hugepages-0', 'hugepages-x', 'example.com/hugepages-2Mi'])
      assert.equal(hugePageSizeFromResourceName(name), undefined, name);
  });

  test('HugePages-<size> media carry their page size; plain HugePages none', () => {
    assert.equal(hugePageSizeFromMedium('HugePages-2Mi'), 2n * MiB);
    assert.equal(hugePageSizeFromMedium('HugePages'), undefined);
    assert.ok(isHugePageMedium('HugePages') && isHugePageMedium('HugePages-1Gi'));
    assert.ok(!isHugePageMedium('Memory') && !isHugePageMedium('') && !isHugePageMedium(undefined));
  });
});

describe('huge page limits', () => {
  test('a container limit becomes bytes per page size', () => {
    const limits = hugePageLimits(containerLimits(wanting('2Mi', '6Mi') as Container));
    assert.deepEqual([...limits], [[2n * MiB, 6n * MiB]]);
  });

  test('container and pod cgroup values carry huge pages only when asked for', () => {
    assert.deepEqual(
      containerCgroupValues(wanting('2Mi') as Container).hugePageLimits,
      new Map([[2n * MiB, 4n * MiB]]),
    );
    assert.equal('hugePageLimits' in containerCgroupValues({ name: 'c' }), false);
    assert.deepEqual(
      podCgroupValues(pod(wanting('2Mi'), wanting('2Mi', '2Mi'))).hugePageLimits,
      new Map([[2n * MiB, 6n * MiB]]),
    );
    assert.equal('hugePageLimits' in podCgroupValues(pod({})), false);
  });
});

describe('the page size of a huge page emptyDir', () => {
  test('HugePages takes the page size the containers request', () => {
    assert.equal(hugePageMountOption('HugePages', pod(wanting('2Mi'))), 'pagesize=2Mi');
  });

  test('HugePages-<size> needs a request of that size', () => {
    assert.equal(
      hugePageMountOption('HugePages-1Gi', pod(wanting('2Mi'), wanting('1Gi', '1Gi'))),
      'pagesize=1Gi',
    );
    assert.throws(() => hugePageMountOption('HugePages-1Gi', pod(wanting('2Mi'))), {
      message:
        'medium HugePages-1Gi: hugePages storage requested, but there is no resource request for huge pages',
    });
  });

  test('HugePages refuses a pod asking for two page sizes, and one asking for none', () => {
    assert.throws(() => hugePageMountOption('HugePages', pod(wanting('2Mi'), wanting('1Gi', '1Gi'))), {
      message: "medium: HugePages can't be used if container requests multiple huge page sizes",
    });
    assert.throws(() => hugePageMountOption('HugePages', pod({})), {
      message:
        'medium HugePages: hugePages storage requested, but there is no resource request for huge pages',
    });
  });
});
