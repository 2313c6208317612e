/** A GPT partition type: the name util-linux (sfdisk, fdisk) prints and the gdisk hex code. */
export interface GptType {
  name: string;
  code: string;
}

const TYPES: Record<string, GptType> = {
  'C12A7328-F81F-11D2-BA4B-00A0C93EC93B': { name: 'EFI System', code: 'EF00' },
  '21686148-6449-6E6F-744E-656564454649': { name: 'BIOS boot', code: 'EF02' },
  '024DEE41-33E7-11D3-9D69-0008C781F39F': { name: 'MBR partition scheme', code: 'EF01' },
  '0FC63DAF-8483-4772-8E79-3D69D8477DE4': { name: 'Linux filesystem', code: '8300' },
  '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F': { name: 'Linux swap', code: '8200' },
  'E6D6D379-F507-44C2-A23C-238F2A3DF928': { name: 'Linux LVM', code: '8E00' },
  'A19D880F-05FC-4D3B-A006-743F0F84911E': { name: 'Linux RAID', code: 'FD00' },
  '44479540-F297-41B2-9AF7-D131D5F0458A': { name: 'Linux root (x86)', code: '8303' },
  '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709': { name: 'Linux root (x86-64)', code: '8304' },
  '69DAD710-2CE4-4E3C-B16C-21A1D49ABED3': { name: 'Linux root (ARM)', code: '8300' },
  'B921B045-1DF0-41C3-AF44-4C6F280D3FAE': { name: 'Linux root (ARM-64)', code: '8305' },
  '933AC7E1-2EB4-4F13-B844-0E14E2AEF915': { name: 'Linux home', code: '8302' },
  '3B8F8425-20E0-4F3B-907F-1A25A76F98E8': { name: 'Linux server data', code: '8306' },
  '4D21B016-B534-45C2-A9FB-5C16E091FD2D': { name: 'Linux variable data', code: '8310' },
  '7EC6F557-3BC5-4ACA-B293-16EF5DF639D1': { name: 'Linux temporary data', code: '8311' },
  'BC13C2FF-59E6-4262-A352-B275FD6F7172': { name: 'Linux extended boot', code: 'EA00' },
  'CA7D7CCB-63ED-4C53-861C-1742536059CC': { name: 'Linux LUKS', code: '8309' },
  '7FFEC5C9-2D00-49B7-8941-3EA10A5586B7': { name: 'Linux dm-crypt', code: '8308' },
  '8DA63339-0007-60C0-C436-083AC8230908': { name: 'Linux reserved', code: '8301' },
  'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7': { name: 'Microsoft basic data', code: '0700' },
  'E3C9E316-0B5C-4DB8-817D-F92DF00215AE': { name: 'Microsoft reserved', code: '0C01' },
  'DE94BBA4-06D1-4D40-A16A-BFD50179D6AC': { name: 'Windows recovery environment', code: '2700' },
  '5808C8AA-7E8F-42E0-85D2-E1E90434CFB3': { name: 'Microsoft LDM metadata', code: '4200' },
  'AF9B60A0-1431-4F62-BC68-3311714A69AD': { name: 'Microsoft LDM data', code: '4201' },
  '7C3457EF-0000-11AA-AA11-00306543ECAC': { name: 'Apple APFS', code: 'AF0A' },
  '48465300-0000-11AA-AA11-00306543ECAC': { name: 'Apple HFS/HFS+', code: 'AF00' },
  '426F6F74-0000-11AA-AA11-00306543ECAC': { name: 'Apple boot', code: 'AB00' },
  '83BD6B9D-7F41-11DC-BE0B-001560B84F0F': { name: 'FreeBSD boot', code: 'A501' },
  '516E7CB4-6ECF-11D6-8FF8-00022D09712B': { name: 'FreeBSD data', code: 'A500' },
  '516E7CB5-6ECF-11D6-8FF8-00022D09712B': { name: 'FreeBSD swap', code: 'A502' },
  '516E7CB6-6ECF-11D6-8FF8-00022D09712B': { name: 'FreeBSD UFS', code: 'A503' },
  '516E7CBA-6ECF-11D6-8FF8-00022D09712B': { name: 'FreeBSD ZFS', code: 'A504' },
  'FE3A2A5D-4F32-41A7-B725-ACCC3285A309': { name: 'ChromeOS kernel', code: '7F00' },
  '3CB8E202-3B7E-47DD-8A3C-7FF2A13CFCEC': { name: 'ChromeOS root fs', code: '7F01' },
  '2E0A753D-9E48-43B0-8337-B15192CB1B5E': { name: 'ChromeOS reserved', code: '7F02' },
  '6A898CC3-1DD2-11B2-99A6-080020736631': { name: 'Solaris /usr & Apple ZFS', code: 'BF01' },
  'D3BFE2DE-3DAF-11DF-BA40-E3A556D89593': { name: 'Intel Fast Flash', code: '8400' },
};

/** The named type of `guid`, or null for a GUID no table here knows (shown as the GUID itself). */
export function gptType(guid: string): GptType | null {
  return TYPES[guid] ?? null;
}
