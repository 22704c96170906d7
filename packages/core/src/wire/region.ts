/**
 * Where a report's victim lives, for the public statistics' regional cuts
 * (docs/statistics.md, "Regions"): an ISO 3166-2 subdivision code. A member gives it as
 * `region` on a report; where it does not, its side may derive it from the victim's
 * fixed-line phone number (core/identifiers/phone-province.ts), and otherwise it stays
 * unknown. No dependency: the platform and the statistics load it without libphonenumber.
 */

/**
 * The 34 provincial-level divisions of ISO 3166-2:CN (the codes of its 2017 revision):
 * 23 provinces, 5 autonomous regions, 4 municipalities and 2 special administrative
 * regions, each with its name.
 */
export const CN_PROVINCES: Readonly<Record<string, string>> = {
  'CN-AH': 'Anhui',
  'CN-BJ': 'Beijing',
  'CN-CQ': 'Chongqing',
  'CN-FJ': 'Fujian',
  'CN-GD': 'Guangdong',
  'CN-GS': 'Gansu',
  'CN-GX': 'Guangxi',
  'CN-GZ': 'Guizhou',
  'CN-HA': 'Henan',
  'CN-HB': 'Hubei',
  'CN-HE': 'Hebei',
  'CN-HI': 'Hainan',
  'CN-HK': 'Hong Kong',
  'CN-HL': 'Heilongjiang',
  'CN-HN': 'Hunan',
  'CN-JL': 'Jilin',
  'CN-JS': 'Jiangsu',
  'CN-JX': 'Jiangxi',
  'CN-LN': 'Liaoning',
  'CN-MO': 'Macao',
  'CN-NM': 'Nei Mongol',
  'CN-NX': 'Ningxia',
  'CN-QH': 'Qinghai',
  'CN-SC': 'Sichuan',
  'CN-SD': 'Shandong',
  'CN-SH': 'Shanghai',
  'CN-SN': 'Shaanxi',
  'CN-SX': 'Shanxi',
  'CN-TJ': 'Tianjin',
  'CN-TW': 'Taiwan',
  'CN-XJ': 'Xinjiang',
  'CN-XZ': 'Xizang',
  'CN-YN': 'Yunnan',
  'CN-ZJ': 'Zhejiang',
};

export const CN_PROVINCE_CODES: readonly string[] = Object.keys(CN_PROVINCES);

/**
 * A region as a report may carry it: one of the 34 Chinese codes above, or another
 * country's subdivision in ISO 3166-2's form (two letters, a hyphen, one to three letters
 * or digits). A `CN-` code that is not a provincial-level division (`CN-XX`, or a
 * withdrawn numeric one such as `CN-44`) is refused rather than counted as unknown.
 */
export const REGION_PATTERN = `^(?:CN-(?:${CN_PROVINCE_CODES.map((c) => c.slice(3)).join('|')})|(?!CN-)[A-Z]{2}-[A-Z0-9]{1,3})$`;

const REGION = new RegExp(REGION_PATTERN);

export const isRegion = (value: unknown): value is string =>
  typeof value === 'string' && REGION.test(value);

/**
 * Chinese fixed-line area codes (the trunk 0 dropped) by province, from the national
 * numbering plan: a two-digit code for the largest cities (10 Beijing, 20 Guangzhou,
 * 21 Shanghai…), three digits elsewhere; a code that names a province's whole range
 * (33 for 033x, 58, 70) is listed as its prefix. The table agrees with libphonenumber's
 * geocoding data for +86 (a test holds it to a copy of that data: core/test/data).
 */
const AREA_CODES: Readonly<Record<string, string>> = {
  'CN-AH': '550 551 552 553 554 555 556 557 558 559 561 562 563 564 566',
  'CN-BJ': '10',
  'CN-CQ': '23',
  'CN-FJ': '591 592 593 594 595 596 597 598 599',
  'CN-GD': '20 660 662 663 668 750 751 752 753 754 755 756 757 758 759 760 762 763 766 768 769',
  'CN-GS': '930 931 932 933 934 935 936 937 938 939 941 943',
  'CN-GX': '770 771 772 773 774 775 776 777 778 779',
  'CN-GZ': '851 852 853 854 855 856 857 858 859',
  'CN-HA': '370 371 372 373 374 375 376 377 378 379 391 392 393 394 395 396 398',
  'CN-HB': '27 710 711 712 713 714 715 716 717 718 719 722 724 728',
  'CN-HE': '310 311 312 313 314 315 316 317 318 319 33',
  'CN-HI': '898',
  'CN-HL': '451 452 453 454 455 456 457 458 459 464 467 468 469',
  'CN-HN': '730 731 734 735 736 737 738 739 743 744 745 746',
  'CN-JL': '431 432 433 434 435 436 437 438 439',
  'CN-JS': '25 510 511 512 513 514 515 516 517 518 519 523 527',
  'CN-JX': '70 790 791 792 793 794 795 796 797 798 799',
  'CN-LN': '24 410 411 412 413 414 415 416 417 418 419 421 427 429',
  'CN-NM': '470 471 472 473 474 475 476 477 478 479 482 483',
  'CN-NX': '951 952 953 954 955',
  'CN-QH': '970 971 972 973 974 975 976 977 979',
  'CN-SC': '28 812 813 816 817 818 825 826 827 830 831 832 833 834 835 836 837 838 839',
  'CN-SD': '530 531 532 533 534 535 536 537 538 539 543 546 631 632 633 634 635',
  'CN-SH': '21',
  'CN-SN': '29 911 912 913 914 915 916 917 919',
  'CN-SX': '34 350 351 352 353 354 355 356 357 358 359',
  'CN-TJ': '22',
  'CN-XJ': '901 902 903 906 908 909 990 991 992 993 994 995 996 997 998 999',
  'CN-XZ': '807 891 892 893 894 895 896 897',
  'CN-YN': '691 692 870 871 872 873 874 875 876 877 878 879 883 886 887 888',
  'CN-ZJ': '570 571 572 573 574 575 576 577 578 579 58',
};

const BY_AREA_CODE: ReadonlyMap<string, string> = new Map(
  Object.entries(AREA_CODES).flatMap(([region, codes]) =>
    codes.split(' ').map((code) => [code, region] as const),
  ),
);

/** The province of a Chinese area code's prefix (the national number's first digits). */
export function regionOfAreaCode(nationalNumber: string): string | undefined {
  return (
    BY_AREA_CODE.get(nationalNumber.slice(0, 3)) ?? BY_AREA_CODE.get(nationalNumber.slice(0, 2))
  );
}
